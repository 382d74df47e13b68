package io.statetree.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OwnRevisions}: a range counts as own only when every revision in it was recorded and is
 * still in the ring.
 */
class OwnRevisionsTest {

	@Test
	void aRangeIsOwnWhenEveryRevisionInItWasRecorded() {
		OwnRevisions own = new OwnRevisions();
		assertThat(own.containsAll(1, 0)).isTrue();
		assertThat(own.containsAll(1, 1)).isFalse();
		for (long r = 1; r <= 10; r++) {
			if (r != 5) {
				own.record(r);
			}
		}
		assertThat(own.containsAll(1, 4)).isTrue();
		assertThat(own.containsAll(6, 10)).isTrue();
		assertThat(own.containsAll(4, 6)).isFalse();
		assertThat(own.containsAll(10, 11)).isFalse();
	}

	@Test
	void revisionsOverwrittenInTheRingAreNoLongerOwn() {
		OwnRevisions own = new OwnRevisions();
		for (long r = 1; r <= OwnRevisions.CAPACITY + 100; r++) {
			own.record(r);
		}
		assertThat(own.containsAll(101, OwnRevisions.CAPACITY + 100)).isTrue();
		assertThat(own.containsAll(100, 200)).isFalse();
		assertThat(own.containsAll(1, OwnRevisions.CAPACITY + 100)).isFalse();
	}

	@Test
	void revisionsAboveTheOneMovedBackToAreForgotten() {
		OwnRevisions own = new OwnRevisions();
		for (long r = 1; r <= 10; r++) {
			own.record(r);
		}
		own.forgetAbove(4);
		assertThat(own.containsAll(1, 4)).isTrue();
		assertThat(own.containsAll(5, 5)).isFalse();
		assertThat(own.containsAll(1, 10)).isFalse();
		own.record(5);
		assertThat(own.containsAll(1, 5)).isTrue();
	}

}
