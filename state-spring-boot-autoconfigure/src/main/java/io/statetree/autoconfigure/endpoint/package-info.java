/**
 * Auto-configuration of the {@code statetree} and {@code statetreechanges} actuator endpoints
 * ({@link io.statetree.actuate.StateTreeEndpoint}, {@link io.statetree.actuate.StateTreeChangesEndpoint})
 * and the history of recent changes they show.
 */
@NullMarked
package io.statetree.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
