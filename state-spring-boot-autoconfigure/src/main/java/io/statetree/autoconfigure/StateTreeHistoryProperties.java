package io.statetree.autoconfigure;

/**
 * Settings of the commit history (DESIGN §11).
 */
public class StateTreeHistoryProperties {

	/**
	 * Number of most recent commits kept, with their old and new values, for history reads,
	 * watches from a revision and the changes endpoint: in memory, or in the filesystem
	 * backend's directory (Redis keeps its change stream: redis.feed-retention). 0 keeps none.
	 */
	private int size = 1_000;

	public int getSize() {
		return this.size;
	}

	public void setSize(int size) {
		this.size = size;
	}

}
