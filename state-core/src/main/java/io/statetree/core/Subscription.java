package io.statetree.core;

/**
 * A handle on a registration (a subscription, a derivation, an effect). Closing it stops it for
 * good; closing twice is harmless.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

	/**
	 * Stops the registration.
	 */
	@Override
	void close();

}
