/**
 * Internals of the Redis backend: Lua scripts and their callers, the value codec and the change
 * feed. Not API.
 */
@NullMarked
package io.statetree.redis.internal;

import org.jspecify.annotations.NullMarked;
