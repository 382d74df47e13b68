/**
 * Auto-configuration of StateTree's Micrometer meters ({@link io.statetree.actuate.StateTreeMetrics}).
 */
@NullMarked
package io.statetree.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
