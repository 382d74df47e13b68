/**
 * Auto-configuration of the {@code statetree} and {@code statetreechanges} actuator endpoints
 * ({@link io.statetree.actuate.StateTreeEndpoint}, {@link io.statetree.actuate.StateTreeChangesEndpoint})
 * (the history they show is the controller's own, {@link io.statetree.core.StateController#history}).
 */
@NullMarked
package io.statetree.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
