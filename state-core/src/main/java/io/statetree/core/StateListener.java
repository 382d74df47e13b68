package io.statetree.core;

/**
 * Hears changes at the paths it is subscribed to.
 */
@FunctionalInterface
public interface StateListener {

	/**
	 * Called once per matching change, after the change was committed.
	 * @param event the change
	 */
	void onChange(StateEvent event);

}
