package io.statetree.autoconfigure.console;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the StateTree console ({@code statetree.console.*}). Public with
 * public accessors, as the configuration processor needs them to describe the properties in the
 * metadata.
 */
@ConfigurationProperties("statetree.console")
public class StateTreeConsoleProperties {

	/**
	 * Whether the console is served (a servlet web application with Spring Security is needed:
	 * without it the application fails to start while this is true).
	 */
	private boolean enabled;

	/**
	 * Where the console is served: a path starting with '/', without a trailing '/', the page at
	 * '<path>/' and its JSON API under '<path>/api/'.
	 */
	private String path = "/statetree";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

}
