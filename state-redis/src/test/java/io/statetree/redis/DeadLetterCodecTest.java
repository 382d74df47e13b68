package io.statetree.redis;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.backend.DeadLetterRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeadLetterCodec}: a dead letter reads back equal, its actor, cause and expiry flag
 * included (breaker 15 finding 6), and a letter stored before those were kept still reads.
 */
class DeadLetterCodecTest {

	@Test
	void everyFieldReadsBackEqual() {
		DeadLetterRecord letter = new DeadLetterRecord("7", "g", 3, "id=1", 12, StatePath.of("/k/1"),
				StatePath.of("/k/1/a"), Map.of("n", 1), List.of("x", 5_000_000_000L), "inst-1", 3, "boom", 1_700L,
				"alice", 11, true);
		assertThat(DeadLetterCodec.decode("7", "g", 3, DeadLetterCodec.encode(letter))).isEqualTo(letter);
		DeadLetterRecord plain = new DeadLetterRecord("8", "g", 3, "id=1", 12, StatePath.of("/k/1"),
				StatePath.of("/k/1"), null, null, "inst-1", 1, "boom", 1_700L);
		assertThat(DeadLetterCodec.decode("8", "g", 3, DeadLetterCodec.encode(plain))).isEqualTo(plain);
	}

	@Test
	void aLetterStoredBeforeTheActorWasKeptReadsWithoutIt() {
		String stored = "{\"key\":\"id=1\",\"revision\":12,\"path\":\"/k/1\",\"emittingPath\":\"/k/1\",\"newValue\":1,"
				+ "\"origin\":\"inst-1\",\"attempts\":3,\"error\":\"boom\",\"parkedAtMillis\":1700}";
		assertThat(DeadLetterCodec.decode("9", "g", 2, stored)).isEqualTo(new DeadLetterRecord("9", "g", 2, "id=1", 12,
				StatePath.of("/k/1"), StatePath.of("/k/1"), null, 1, "inst-1", 3, "boom", 1_700L));
	}

}
