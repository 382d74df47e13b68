package io.statetree.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of StateTree's start-up check of its own property names
 * ({@code statetree.fail-on-unknown-properties}). Public with public accessors, as the
 * configuration processor needs them to describe the property in the metadata.
 */
@ConfigurationProperties("statetree")
public class StateTreeCheckProperties {

	/**
	 * Whether a statetree.* property that StateTree does not know (a misspelt key) fails
	 * start-up. When off, such properties are logged as a warning instead.
	 */
	private boolean failOnUnknownProperties = true;

	public boolean isFailOnUnknownProperties() {
		return this.failOnUnknownProperties;
	}

	public void setFailOnUnknownProperties(boolean failOnUnknownProperties) {
		this.failOnUnknownProperties = failOnUnknownProperties;
	}

}
