package io.statetree.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ids of {@code GET /api/events} (issue 16, finding 3): {@code revision:index} resumes inside
 * the commit, skipping exactly the events already sent; a plain revision resumes after it; anything
 * else starts afresh.
 */
class Fix16EventIdTest {

	@Test
	void anIdResumesAfterExactlyTheEventsAlreadySent() {
		for (long revision : new long[] { 1, 2, 6, 1_000_000, Long.MAX_VALUE }) {
			for (long sent = 1; sent <= 8; sent++) {
				EventsApi.EventId id = EventsApi.EventId.parse(EventsApi.EventId.of(revision, sent));
				assertThat(id).isEqualTo(new EventsApi.EventId(revision, sent));
				assertThat(id.after()).isEqualTo(revision - 1);
				for (long index = 1; index <= 10; index++) {
					assertThat(id.alreadySent(revision, index)).isEqualTo(index <= sent);
					assertThat(id.alreadySent(revision - 1, index)).isFalse();
				}
			}
		}
	}

	@Test
	void aPlainRevisionResumesAfterTheWholeRevision() {
		EventsApi.EventId id = EventsApi.EventId.parse(" 6 ");
		assertThat(id.after()).isEqualTo(6);
		assertThat(id.alreadySent(6, 1)).isFalse();
		assertThat(id.alreadySent(7, 1)).isFalse();
	}

	@Test
	void anythingElseStartsAfresh() {
		for (String odd : new String[] { "", " ", "x", "-1", "6:", ":1", "6:0", "0:1", "6:x", "6:1:2", "a:b" }) {
			assertThat(EventsApi.EventId.parse(odd)).as(odd).isNull();
		}
		assertThat(EventsApi.EventId.parse(null)).isNull();
	}

}
