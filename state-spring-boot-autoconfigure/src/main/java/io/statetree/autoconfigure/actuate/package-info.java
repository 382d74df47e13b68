/**
 * StateTree's actuator support, free of auto-configuration so each piece can be used and tested on
 * its own: the {@code statetree} and {@code statetreechanges} endpoints, the access policy they
 * enforce (roles, path rules, masking), the change history, the health indicator and the
 * Micrometer meters.
 */
@NullMarked
package io.statetree.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
