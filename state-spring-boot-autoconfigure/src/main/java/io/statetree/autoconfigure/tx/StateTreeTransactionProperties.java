package io.statetree.autoconfigure.tx;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of StateTree's Spring transaction support ({@code statetree.transactions.*},
 * DESIGN §14).
 */
@ConfigurationProperties("statetree.transactions")
public class StateTreeTransactionProperties {

	/**
	 * Whether the controller's writes on a thread with an active Spring transaction
	 * synchronisation join one batch per transaction, committed after the transaction commits and
	 * discarded on rollback. When false, writes commit at once. Only has an effect with spring-tx
	 * on the classpath.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
