/**
 * Spring Boot auto-configuration for StateTree: {@link io.statetree.autoconfigure.StateTreeAutoConfiguration},
 * its {@link io.statetree.autoconfigure.StateTreeProperties}, the backends they configure and the analyzers
 * of its start-up failures. The actuator's auto-configuration lives in the sub-packages
 * {@code endpoint}, {@code health}, {@code metrics} and {@code security}; the classes they
 * configure in {@code io.statetree.actuate}.
 */
@NullMarked
package io.statetree.autoconfigure;

import org.jspecify.annotations.NullMarked;
