/**
 * Default web security for the StateTree endpoints and the {@code statetree.security.*} properties:
 * roles, path rules, sensitive keys and when values are shown.
 */
@NullMarked
package io.statetree.autoconfigure.security;

import org.jspecify.annotations.NullMarked;
