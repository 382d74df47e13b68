/**
 * StateTree's public API: {@link io.statetree.core.StateController}, paths, patterns, events and
 * derived state.
 */
@NullMarked
package io.statetree.core;

import org.jspecify.annotations.NullMarked;
