/**
 * Backends that store the tree, and the SPI for writing new ones.
 */
@NullMarked
package io.statetree.core.backend;

import org.jspecify.annotations.NullMarked;
