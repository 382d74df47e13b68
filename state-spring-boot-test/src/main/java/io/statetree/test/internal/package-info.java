/**
 * The machinery behind {@link io.statetree.test.AutoConfigureStateTree}; not public API.
 */
@NullMarked
package io.statetree.test.internal;

import org.jspecify.annotations.NullMarked;
