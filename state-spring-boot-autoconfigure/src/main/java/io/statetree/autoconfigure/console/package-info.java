/**
 * The StateTree console (DESIGN §17): a page served at {@code statetree.console.path} that shows
 * the live tree, its events, history and derivation graph, with the roles, path rules and masking
 * of the actuator endpoints.
 */
@NullMarked
package io.statetree.autoconfigure.console;

import org.jspecify.annotations.NullMarked;
