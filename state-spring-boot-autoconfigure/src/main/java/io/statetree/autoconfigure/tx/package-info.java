/**
 * StateTree writes that follow Spring transactions (DESIGN §14): one batch per transaction,
 * committed after the transaction commits, discarded on rollback.
 */
@NullMarked
package io.statetree.autoconfigure.tx;

import org.jspecify.annotations.NullMarked;
