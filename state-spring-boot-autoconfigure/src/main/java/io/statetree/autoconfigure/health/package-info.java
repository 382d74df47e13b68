/**
 * Auto-configuration of the {@code statetree} health contributor
 * ({@link io.statetree.actuate.StateTreeHealthIndicator}).
 */
@NullMarked
package io.statetree.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
