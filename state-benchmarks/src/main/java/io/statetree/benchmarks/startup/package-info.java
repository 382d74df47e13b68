/**
 * The minimal application whose cold start-up {@code state-benchmarks/startup.sh} times with and
 * without the StateTree starter on the class path.
 */
package io.statetree.benchmarks.startup;
