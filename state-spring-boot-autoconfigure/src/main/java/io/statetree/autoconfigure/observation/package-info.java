/**
 * Auto-configuration of StateTree's Micrometer observations ({@code statetree.commit},
 * {@code statetree.listener}, {@code statetree.derivation}).
 */
@NullMarked
package io.statetree.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
