/**
 * Auto-configuration of the {@code statetree} health contributor
 * ({@link io.statetree.actuate.StateTreeHealthContributor}).
 */
@NullMarked
package io.statetree.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
