/**
 * A start-up cost measurement (not a test).
 */
@NullMarked
package io.statetree.autoconfigure.startup;

import org.jspecify.annotations.NullMarked;
