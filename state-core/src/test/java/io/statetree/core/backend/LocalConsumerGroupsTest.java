package io.statetree.core.backend;

/**
 * The consumer groups contract on {@link LocalConsumerGroups}, the in-process progress the
 * controller keeps for the memory backend.
 */
class LocalConsumerGroupsTest extends AbstractConsumerGroupsTest {

	@Override
	protected ConsumerGroups newGroups() {
		return new LocalConsumerGroups();
	}

	/** A taken redelivery is forgotten at once: the store dies with its process. */
	@Override
	protected boolean keepsTakenRedeliveries() {
		return false;
	}

}
