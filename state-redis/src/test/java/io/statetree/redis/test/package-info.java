/**
 * Test support for Redis: a shared real server for JUnit tests.
 */
@NullMarked
package io.statetree.redis.test;

import org.jspecify.annotations.NullMarked;
