/**
 * Spring Boot auto-configuration for StateTree: {@link io.statetree.autoconfigure.StateTreeAutoConfiguration},
 * its {@link io.statetree.autoconfigure.StateTreeProperties} and the analyzers of its start-up failures.
 */
@NullMarked
package io.statetree.autoconfigure;

import org.jspecify.annotations.NullMarked;
