package io.statetree.autoconfigure.endpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the history of recent changes shown by the
 * {@code statetreechanges} actuator endpoint ({@code statetree.history.*}).
 */
@ConfigurationProperties("statetree.history")
public class StateTreeHistoryProperties {

	/**
	 * Number of most recent commits kept, with their old and new values. 0 keeps none.
	 */
	private int size = 100;

	/**
	 * Returns how many commits are kept.
	 * @return the number
	 */
	public int getSize() {
		return this.size;
	}

	/**
	 * Sets how many commits are kept.
	 * @param size the number, at least 0
	 */
	public void setSize(int size) {
		this.size = size;
	}

}
