/**
 * A small service built on StateTree: users and feature flags kept in the state tree, an audit log
 * and a per-user listener fed by {@code @OnStateChange}, derived statistics kept up to date by
 * {@code @Derived}, and the StateTree actuator endpoints behind HTTP basic authentication.
 */
@NullMarked
package io.statetree.sample;

import org.jspecify.annotations.NullMarked;
