/**
 * Internals of the annotation processing: method adapters and parameter binding. Not API.
 */
@NullMarked
package io.statetree.spring.internal;

import org.jspecify.annotations.NullMarked;
