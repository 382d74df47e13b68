/**
 * Tests of the sample, end to end over HTTP.
 */
@NullMarked
package io.statetree.sample;

import org.jspecify.annotations.NullMarked;
