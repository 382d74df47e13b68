/**
 * JMH benchmarks. Each compares StateTree with baselines in the same run through a
 * {@code @Param} over implementations, so every figure is a ratio taken side by side.
 */
package io.statetree.benchmarks;
