/**
 * StateTree's actuator support as plain classes, free of auto-configuration so each piece can be
 * used and tested on its own (the auto-configuration lives in {@code io.statetree.autoconfigure.*}):
 * the {@code statetree} endpoint and its web extension, the {@code statetreechanges} endpoint, the
 * access policy they enforce (roles, path rules, masking), the change history, the health
 * indicator and the Micrometer meters.
 */
@NullMarked
package io.statetree.actuate;

import org.jspecify.annotations.NullMarked;
