package io.statetree.core;

import java.util.List;

/**
 * A registered derivation: a destination path kept equal to a function of its sources.
 */
public interface Derivation extends Subscription {

	/**
	 * Returns the path the derivation writes.
	 * @return the destination
	 */
	StatePath destination();

	/**
	 * Returns the paths the derivation reads.
	 * @return the sources
	 */
	List<StatePath> sources();

}
