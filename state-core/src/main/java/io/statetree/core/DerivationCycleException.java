package io.statetree.core;

import java.util.List;

/**
 * Registering a derivation would make a cycle: its destination feeds, directly or through other
 * derivations, one of its own sources. Nothing was registered.
 */
public class DerivationCycleException extends StateException {

	private static final long serialVersionUID = 1L;

	private final List<String> cycle;

	/**
	 * Creates the exception.
	 * @param cycle the paths forming the cycle, in order, the first repeated at the end
	 */
	public DerivationCycleException(List<String> cycle) {
		super("Derivation cycle: " + String.join(" -> ", cycle));
		this.cycle = List.copyOf(cycle);
	}

	/**
	 * Returns the paths forming the cycle.
	 * @return the cycle, the first path repeated at the end
	 */
	public List<String> getCycle() {
		return this.cycle;
	}

}
