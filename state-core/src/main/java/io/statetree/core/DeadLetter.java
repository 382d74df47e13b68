package io.statetree.core;

/**
 * An event a group listener failed to handle in every attempt (DESIGN §13), parked until an
 * operator or the application redelivers or discards it. Listed by
 * {@link StateController#deadLetters(String)}; a snapshot of the dead letter when listed.
 * Implementations are immutable and thread-safe.
 */
public interface DeadLetter {

	/**
	 * Returns the dead letter's id, unique within its group.
	 * @return the id
	 */
	String id();

	/**
	 * Returns the group whose listener failed.
	 * @return the group's name
	 */
	String group();

	/**
	 * Returns the path of the event (as {@link StateEvent#path()}).
	 * @return the path
	 */
	StatePath path();

	/**
	 * Returns the revision of the commit the event came from.
	 * @return the revision
	 */
	long revision();

	/**
	 * Returns how many times the listener was called for the event.
	 * @return the attempts, at least 1
	 */
	int attempts();

	/**
	 * Describes the last failure: the exception's class name and message.
	 * @return the description
	 */
	String error();

	/**
	 * Hands the event to the group again: one member handles it, with a fresh round of attempts.
	 * A redelivered event comes after the events of its key that were handled meanwhile.
	 * @return {@code false} when the dead letter was already redelivered or discarded
	 * @throws StateStorageException when the backend cannot be reached
	 * @throws IllegalStateException when the controller that listed it is closed (nothing is
	 * redelivered: no member of this controller would hand it over)
	 */
	boolean redeliver();

	/**
	 * Forgets the event.
	 * @return {@code false} when the dead letter was already redelivered or discarded
	 * @throws StateStorageException when the backend cannot be reached
	 * @throws IllegalStateException when the controller that listed it is closed
	 */
	boolean discard();

}
