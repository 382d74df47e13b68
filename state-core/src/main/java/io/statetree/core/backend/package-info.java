/**
 * Backends that store the tree, the SPI for writing new ones, and the immutable value model they
 * store ({@link io.statetree.core.backend.StateValues} is its public entry point; the branch,
 * array, persistent map, conversion and JSON text classes behind it are package-private).
 */
@NullMarked
package io.statetree.core.backend;

import org.jspecify.annotations.NullMarked;
