package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FileConsumerGroups} against a model, across reopenings (what a crash leaves: the files as
 * the last call wrote them): random acknowledgements, dead letters (with and without their
 * revision's acknowledgement), redeliveries, discards, takes of redeliveries and a taken letter
 * parked again. After every step the cursors and the parked letters, in order, are the model's;
 * a reopening keeps them and hands redelivered letters taken but not yet acknowledged to the next
 * holder again.
 */
class FileConsumerGroupsPropertiesTest {

	private static final Duration LONG = Duration.ofMinutes(5);

	/** A letter in the model. */
	private static final class Letter {

		final long revision;

		final int partition;

		String state = "parked";

		Letter(long revision, int partition) {
			this.revision = revision;
			this.partition = partition;
		}

	}

	/** One step: kind (0 ack, 1 dead letter, 2 redeliver, 3 discard, 4 take, 5 reopen, 6 park a taken one again), partition, pick. */
	@Provide
	Arbitrary<List<int[]>> steps() {
		Arbitrary<int[]> step = Combinators.combine(Arbitraries.integers().between(0, 6),
				Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 9), Arbitraries.of(true, false))
			.as((kind, partition, pick, flag) -> new int[] { kind, partition, pick, flag ? 1 : 0 });
		return step.list().ofMaxSize(60);
	}

	@Property(tries = 40)
	void cursorsAndLettersSurviveReopeningAsTheModelSays(@ForAll("steps") List<int[]> steps) throws IOException {
		Path dir = Files.createTempDirectory("statetree-groups");
		int partitions = FileConsumerGroups.PARTITIONS;
		long[] cursors = new long[partitions];
		List<Letter> letters = new ArrayList<>();
		long revision = 0;
		try {
			FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).build();
			try {
				ConsumerGroups groups = backend.consumerGroups();
				GroupMembership member = groups.join("g", "/k/{id}", "m", 0);
				Map<Integer, Long> tokens = tokens(member);
				Map<Long, DeadLetterRecord> takenRecords = new HashMap<>();
				for (int[] step : steps) {
					int partition = step[1];
					long token = tokens.get(partition);
					switch (step[0]) {
						case 0 -> {
							revision++;
							assertThat(member.acknowledge(partition, token, revision)).isTrue();
							cursors[partition] = revision;
							letters.removeIf((l) -> l.partition == partition && l.state.equals("taken"));
						}
						case 1 -> {
							revision++;
							boolean acknowledge = step[3] == 1;
							assertThat(member.deadLetter(partition, token, record(partition, revision), acknowledge)).isTrue();
							letters.add(new Letter(revision, partition));
							if (acknowledge) {
								cursors[partition] = revision;
							}
						}
						case 2, 3 -> {
							List<DeadLetterRecord> parked = groups.deadLetters("g");
							if (!parked.isEmpty()) {
								DeadLetterRecord chosen = parked.get(step[2] % parked.size());
								boolean redeliver = step[0] == 2;
								assertThat(redeliver ? groups.redeliver("g", chosen.id()) : groups.discard("g", chosen.id()))
									.isTrue();
								Letter letter = letters.stream().filter((l) -> l.revision == chosen.revision()).findFirst()
									.orElseThrow();
								if (redeliver) {
									letter.state = "redeliver";
								}
								else {
									letters.remove(letter);
								}
								assertThat(groups.discard("g", chosen.id())).isFalse();
							}
						}
						case 4 -> {
							List<Long> expected = new ArrayList<>();
							for (Letter l : letters) {
								if (l.partition == partition && l.state.equals("redeliver")) {
									l.state = "taken";
									expected.add(l.revision);
								}
							}
							List<DeadLetterRecord> taken = member.takeRedeliveries(partition, token);
							assertThat(taken).extracting(DeadLetterRecord::revision).containsExactlyElementsOf(expected);
							taken.forEach((r) -> takenRecords.put(r.revision(), r));
						}
						case 5 -> {
							backend.close();
							backend = FileSystemBackend.builder(dir).fsync(false).build();
							groups = backend.consumerGroups();
							member = groups.join("g", "/k/{id}", "m2", 99);
							tokens = tokens(member);
							takenRecords.clear();
							letters.forEach((l) -> l.state = l.state.equals("taken") ? "redeliver" : l.state);
						}
						default -> {
							Letter again = letters.stream().filter((l) -> l.partition == partition && l.state.equals("taken"))
								.findFirst().orElse(null);
							if (again != null) {
								assertThat(member.deadLetter(partition, token, takenRecords.get(again.revision), false)).isTrue();
								letters.remove(again);
								letters.add(new Letter(again.revision, partition));
							}
						}
					}
					GroupInfo info = groups.groups().get(0);
					for (int p = 0; p < partitions; p++) {
						assertThat(info.cursors().get(p)).as("cursor of partition %d", p).isEqualTo(cursors[p]);
					}
					List<Long> parked = letters.stream().filter((l) -> l.state.equals("parked")).map((l) -> l.revision).toList();
					assertThat(groups.deadLetters("g")).extracting(DeadLetterRecord::revision).containsExactlyElementsOf(parked);
					assertThat(info.deadLetters()).isEqualTo(parked.size());
				}
			}
			finally {
				backend.close();
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	private static Map<Integer, Long> tokens(GroupMembership member) {
		Map<Integer, Long> tokens = new HashMap<>();
		for (PartitionClaim claim : member.claim(LONG, Set.of(), Set.of())) {
			tokens.put(claim.partition(), claim.token());
		}
		assertThat(tokens).hasSize(FileConsumerGroups.PARTITIONS);
		return tokens;
	}

	private static DeadLetterRecord record(int partition, long revision) {
		return new DeadLetterRecord("", "g", partition, "id=" + revision, revision, StatePath.of("/k/" + revision),
				StatePath.of("/k/" + revision), revision, null, "o", 3, "java.lang.RuntimeException: no", 0);
	}

}
