/**
 * Redis benchmarks: StateTree on a loopback Redis started by the benchmark against raw Lettuce
 * commands in the same run.
 */
@NullMarked
package io.statetree.benchmarks.redis;

import org.jspecify.annotations.NullMarked;
