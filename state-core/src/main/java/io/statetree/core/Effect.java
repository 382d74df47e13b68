package io.statetree.core;

import java.util.Set;

/**
 * A tracked effect: a function re-run whenever a path it read during its last run changes.
 */
public interface Effect extends Subscription {

	/**
	 * Returns the paths the last run read.
	 * @return the current dependencies
	 */
	Set<StatePath> dependencies();

}
