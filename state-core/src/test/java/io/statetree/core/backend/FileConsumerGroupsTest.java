package io.statetree.core.backend;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The consumer groups contract on {@link FileConsumerGroups}, the durable progress of a
 * {@link FileSystemBackend} in {@code .statetree/groups}, and what only it promises: cursors, dead
 * letters and redeliveries survive a reopen (a crash leaves the files as the last call wrote
 * them); claims do not; a damaged group file is refused naming it while other groups work.
 */
class FileConsumerGroupsTest extends AbstractConsumerGroupsTest {

	@TempDir
	Path temp;

	private FileSystemBackend backend;

	private Path directory() {
		return this.temp.resolve("state");
	}

	private FileSystemBackend open() {
		return FileSystemBackend.builder(directory()).fsync(false).build();
	}

	@Override
	protected ConsumerGroups newGroups() {
		this.backend = open();
		return this.backend.consumerGroups();
	}

	@Override
	protected void closeGroups() {
		this.backend.close();
	}

	@AfterEach
	void closeBackend() {
		this.backend.close();
	}

	/** A crash: the directory's files as they are, the lock released, a new backend opened. */
	private ConsumerGroups reopen() {
		this.backend.close();
		this.backend = open();
		return this.backend.consumerGroups();
	}

	private static DeadLetterRecord letter(int partition, long revision) {
		return new DeadLetterRecord("", "billing", partition, "id=" + revision, revision, StatePath.of("/orders/" + revision),
				StatePath.of("/orders/" + revision + "/total"), null,
				Map.of("total", new BigDecimal("12.50"), "tags", List.of("a", Map.of("x y", true))), "inst-1", 5,
				"java.lang.IllegalStateException: boom", 1_700_000_000_000L);
	}

	private static GroupInfo info(ConsumerGroups groups, String name) {
		return groups.groups().stream().filter((g) -> g.group().equals(name)).findFirst().orElseThrow();
	}

	private List<Path> groupFiles() throws IOException {
		try (Stream<Path> files = Files.list(directory().resolve(".statetree").resolve("groups"))) {
			return files.sorted().toList();
		}
	}

	@Test
	void aBackendWithoutHistoryHasNoConsumerGroups() {
		try (FileSystemBackend plain = FileSystemBackend.builder(this.temp.resolve("plain")).historySize(0).build()) {
			assertThat(plain.consumerGroups()).isNull();
		}
	}

	@Test
	void cursorsPatternAndDeadLettersSurviveAReopenButClaimsDoNot() {
		GroupMembership m = this.groups.join("billing", "/orders/{id}", "a/1", 3);
		List<PartitionClaim> claims = m.claim(LONG, Set.of(), Set.of());
		PartitionClaim first = claims.get(0);
		PartitionClaim second = claims.get(1);
		assertThat(m.acknowledge(first.partition(), first.token(), 9)).isTrue();
		assertThat(m.deadLetter(second.partition(), second.token(), letter(second.partition(), 7), true)).isTrue();

		ConsumerGroups again = reopen();
		GroupInfo info = info(again, "billing");
		assertThat(info.pattern()).isEqualTo("/orders/{id}");
		assertThat(info.members()).isEmpty();
		assertThat(info.cursors().get(first.partition())).isEqualTo(9);
		assertThat(info.cursors().get(second.partition())).isEqualTo(7);
		assertThat(info.deadLetters()).isEqualTo(1);
		DeadLetterRecord kept = again.deadLetters("billing").get(0);
		DeadLetterRecord expected = letter(second.partition(), 7);
		assertThat(kept).usingRecursiveComparison().withEqualsForType((a, b) -> a.equals(b), StatePath.class)
			.ignoringFields("id").isEqualTo(expected);
		assertThat(kept.newValue()).isEqualTo(expected.newValue());
		assertThatThrownBy(() -> again.join("billing", "/users/{id}", "b/1", 0))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/orders/{id}");
		GroupMembership b = again.join("billing", "/orders/{id}", "b/1", 100);
		List<PartitionClaim> taken = b.claim(LONG, Set.of(), Set.of());
		assertThat(taken).hasSize(again.partitions());
		assertThat(taken.stream().filter((c) -> c.partition() == first.partition()).findFirst().orElseThrow().cursor())
			.isEqualTo(9);
		assertThat(taken.stream().filter((c) -> c.partition() != first.partition() && c.partition() != second.partition()))
			.extracting(PartitionClaim::cursor).containsOnly(3L);
	}

	@Test
	void aRedeliveryTakenButNotHandledBeforeACrashIsRedeliveredAgain() {
		GroupMembership m = this.groups.join("billing", "/orders/{id}", "a/1", 0);
		PartitionClaim c = m.claim(LONG, Set.of(), Set.of()).get(0);
		m.deadLetter(c.partition(), c.token(), letter(c.partition(), 4), true);
		assertThat(this.groups.redeliver("billing", this.groups.deadLetters("billing").get(0).id())).isTrue();
		assertThat(m.takeRedeliveries(c.partition(), c.token())).hasSize(1);

		ConsumerGroups again = reopen();
		assertThat(again.deadLetters("billing")).isEmpty();
		GroupMembership b = again.join("billing", "/orders/{id}", "b/1", 0);
		PartitionClaim bc = b.claim(LONG, Set.of(), Set.of()).stream().filter((x) -> x.partition() == c.partition())
			.findFirst().orElseThrow();
		assertThat(b.takeRedeliveries(bc.partition(), bc.token())).extracting(DeadLetterRecord::revision)
			.containsExactly(4L);
		// handled: the next acknowledgement of the partition forgets it, also across a reopen
		assertThat(b.acknowledge(bc.partition(), bc.token(), 5)).isTrue();
		ConsumerGroups third = reopen();
		GroupMembership c3 = third.join("billing", "/orders/{id}", "c/1", 0);
		PartitionClaim cc = c3.claim(LONG, Set.of(), Set.of()).stream().filter((x) -> x.partition() == c.partition())
			.findFirst().orElseThrow();
		assertThat(cc.cursor()).isEqualTo(5);
		assertThat(c3.takeRedeliveries(cc.partition(), cc.token())).isEmpty();
		assertThat(third.deadLetters("billing")).isEmpty();
	}

	@Test
	void aTakenRedeliveryParkedAgainIsReplacedNotDuplicated() {
		GroupMembership m = this.groups.join("billing", "/orders/{id}", "a/1", 0);
		PartitionClaim c = m.claim(LONG, Set.of(), Set.of()).get(0);
		m.deadLetter(c.partition(), c.token(), letter(c.partition(), 4), true);
		this.groups.redeliver("billing", this.groups.deadLetters("billing").get(0).id());
		DeadLetterRecord taken = m.takeRedeliveries(c.partition(), c.token()).get(0);
		assertThat(m.deadLetter(c.partition(), c.token(), taken, false)).isTrue();
		ConsumerGroups again = reopen();
		assertThat(again.deadLetters("billing")).extracting(DeadLetterRecord::revision).containsExactly(4L);
		GroupMembership b = again.join("billing", "/orders/{id}", "b/1", 0);
		PartitionClaim bc = b.claim(LONG, Set.of(), Set.of()).stream().filter((x) -> x.partition() == c.partition())
			.findFirst().orElseThrow();
		assertThat(b.takeRedeliveries(bc.partition(), bc.token())).isEmpty();
	}

	// breaker 15 finding 6: the actor (and cause, expiry) of a letter survive a restart
	@Test
	void aLettersActorCauseAndExpirySurviveAReopenAndAnOlderFileReadsWithoutThem() throws IOException {
		GroupMembership m = this.groups.join("billing", "/orders/{id}", "a/1", 0);
		PartitionClaim c = m.claim(LONG, Set.of(), Set.of()).get(0);
		DeadLetterRecord plain = letter(c.partition(), 3);
		DeadLetterRecord full = new DeadLetterRecord("", "billing", c.partition(), "id=4", 4, StatePath.of("/orders/4"),
				StatePath.of("/orders/4"), "old", null, "inst-1", 3, "boom", 1_700_000_000_000L, "alice", 2, true);
		m.deadLetter(c.partition(), c.token(), plain, true);
		m.deadLetter(c.partition(), c.token(), full, true);
		List<DeadLetterRecord> kept = reopen().deadLetters("billing");
		assertThat(kept.get(1)).isEqualTo(full.stored(kept.get(1).id(), "billing", c.partition()));
		assertThat(kept.get(0)).extracting(DeadLetterRecord::actor, DeadLetterRecord::causedBy, DeadLetterRecord::expiry)
			.containsExactly(null, 0L, false);
		// a file written before these fields were kept
		this.backend.close();
		Path letters;
		try (Stream<Path> files = Files.list(directory().resolve(".statetree").resolve("groups"))) {
			letters = files.filter((f) -> f.getFileName().toString().endsWith(GroupFiles.LETTERS)).findFirst().orElseThrow();
		}
		String text = Files.readString(letters);
		assertThat(text).contains("\"actor\":\"alice\"");
		Files.writeString(letters, text.replace(",\"actor\":\"alice\",\"causedBy\":2,\"expiry\":true", ""));
		this.backend = open();
		DeadLetterRecord old = this.backend.consumerGroups().deadLetters("billing").get(1);
		assertThat(old).isEqualTo(new DeadLetterRecord(kept.get(1).id(), "billing", c.partition(), "id=4", 4,
				StatePath.of("/orders/4"), StatePath.of("/orders/4"), "old", null, "inst-1", 3, "boom",
				1_700_000_000_000L));
	}

	// breaker 15 finding 5: a handled redelivery is forgotten on disk, with no acknowledgement after it
	@Test
	void aHandledRedeliveryStaysForgottenAcrossAReopen() {
		GroupMembership m = this.groups.join("billing", "/orders/{id}", "a/1", 0);
		PartitionClaim c = m.claim(LONG, Set.of(), Set.of()).get(0);
		m.deadLetter(c.partition(), c.token(), letter(c.partition(), 4), true);
		this.groups.redeliver("billing", this.groups.deadLetters("billing").get(0).id());
		DeadLetterRecord taken = m.takeRedeliveries(c.partition(), c.token()).get(0);
		assertThat(m.redeliveryHandled(c.partition(), c.token(), taken.id())).isTrue();
		ConsumerGroups again = reopen();
		GroupMembership b = again.join("billing", "/orders/{id}", "b/1", 0);
		PartitionClaim bc = b.claim(LONG, Set.of(), Set.of()).stream().filter((x) -> x.partition() == c.partition())
			.findFirst().orElseThrow();
		assertThat(b.takeRedeliveries(bc.partition(), bc.token())).isEmpty();
		assertThat(again.deadLetters("billing")).isEmpty();
	}

	@Test
	void groupNamesAreStoredSafelyAndDistinctlyButForCase() throws IOException {
		this.groups.join("Billing", "/a/{id}", "a/1", 1);
		this.groups.join("billing", "/b/{id}", "a/1", 2);
		this.groups.join(".", "/c/{id}", "a/1", 3);
		this.groups.join("a.B-c_9", "/d/{id}", "a/1", 4);
		assertThat(groupFiles()).extracting((f) -> f.getFileName().toString())
			.containsExactly("g-^billing.json", "g-a~^b-c_9.json", "g-billing.json", "g-~.json");
		ConsumerGroups again = reopen();
		assertThat(again.groups()).extracting(GroupInfo::group, GroupInfo::pattern)
			.containsExactlyInAnyOrder(tuple("Billing", "/a/{id}"),
					tuple("billing", "/b/{id}"),
					tuple(".", "/c/{id}"),
					tuple("a.B-c_9", "/d/{id}"));
	}

	@Test
	void aDamagedGroupFileIsRefusedNamingItWhileOtherGroupsWork() throws IOException {
		this.groups.join("billing", "/orders/{id}", "a/1", 0);
		this.groups.join("mail", "/users/{id}", "a/1", 0);
		this.backend.close();
		Path damaged = directory().resolve(".statetree/groups/g-billing.json");
		Files.writeString(damaged, "{\"group\":\"billing\",\"pattern\":\"secret-value");
		this.backend = open();
		ConsumerGroups again = this.backend.consumerGroups();
		assertThatThrownBy(() -> again.join("billing", "/orders/{id}", "b/1", 0))
			.isInstanceOf(StateStorageException.class)
			.hasMessageContaining("g-billing.json")
			.hasMessageNotContaining("secret-value");
		assertThat(again.groups()).extracting(GroupInfo::group).containsExactly("mail");
		assertThat(again.join("mail", "/users/{id}", "b/1", 0).claim(LONG, Set.of(), Set.of()))
			.hasSize(again.partitions());
		assertThat(Files.readString(damaged)).endsWith("secret-value");
	}

	@Test
	void aTempFileACrashLeftIsRemovedAtOpen() throws IOException {
		this.groups.join("billing", "/orders/{id}", "a/1", 0);
		this.backend.close();
		Path temp = directory().resolve(".statetree/groups/.g-billing.json.1234" + AtomicFiles.TEMP_SUFFIX);
		Files.writeString(temp, "{");
		this.backend = open();
		assertThat(temp).doesNotExist();
		assertThat(this.backend.consumerGroups().groups()).extracting(GroupInfo::group).containsExactly("billing");
	}

	@Test
	void aClosedBackendsGroupsRefuseCalls() {
		GroupMembership m = this.groups.join("billing", "/orders/{id}", "a/1", 0);
		this.backend.close();
		assertThatThrownBy(() -> this.groups.groups()).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(() -> m.claim(Duration.ofSeconds(1), Set.of(), Set.of()))
			.isInstanceOf(IllegalStateException.class);
		m.close();
		this.backend = open();
	}

}
