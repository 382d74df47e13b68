/**
 * Implementation details. Not API: anything here may change without notice.
 */
@NullMarked
package io.statetree.core.internal;

import org.jspecify.annotations.NullMarked;
