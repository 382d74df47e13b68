package io.statetree.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link StateBackends}, the assembly of the backend.
 */
class StateBackendsTest {

	private final List<String> closed = new ArrayList<>();

	@Test
	void closesWhatItCreatedWhenALaterBackendFails() {
		StateTreeProperties properties = new StateTreeProperties();
		properties.setBackend(BackendType.FILESYSTEM);
		StateTreeMountProperties ok = new StateTreeMountProperties();
		ok.setPath("/ok");
		ok.setBackend(BackendType.MEMORY);
		StateTreeMountProperties failing = new StateTreeMountProperties();
		failing.setPath("/failing");
		failing.setBackend(BackendType.FILESYSTEM);
		properties.getMounts().put("ok", ok);
		properties.getMounts().put("failing", failing);
		BackendFactory files = factory(BackendType.FILESYSTEM, (spec) -> {
			if (spec.mountName() != null) {
				throw new IllegalStateException("cannot open " + spec.prefix());
			}
			return recording("root");
		});
		BackendFactory memory = factory(BackendType.MEMORY, (spec) -> recording(spec.mountName()));
		StateBackends backends = new StateBackends(properties, List.of(files, memory), Function.identity(),
				(root, mounts) -> root, getClass().getClassLoader());
		assertThatIllegalStateException().isThrownBy(backends::create).withMessage("cannot open statetree.mounts.failing");
		assertThat(this.closed).containsExactly("ok", "root");
	}

	@Test
	void passesEachMountItsSettings() {
		StateTreeProperties properties = new StateTreeProperties();
		properties.getRedis().setNamespace("app");
		StateTreeMountProperties named = new StateTreeMountProperties();
		named.setPath("/named");
		named.setBackend(BackendType.MEMORY);
		named.getRedis().setNamespace("own");
		StateTreeMountProperties unnamed = new StateTreeMountProperties();
		unnamed.setPath("/unnamed");
		unnamed.setBackend(BackendType.MEMORY);
		properties.getMounts().put("named", named);
		properties.getMounts().put("unnamed", unnamed);
		List<BackendSpec> specs = new ArrayList<>();
		BackendFactory memory = factory(BackendType.MEMORY, (spec) -> {
			specs.add(spec);
			return new InMemoryBackend();
		});
		List<StatePath> mounted = new ArrayList<>();
		new StateBackends(properties, List.of(memory), Function.identity(), (root, mounts) -> {
			mounted.addAll(mounts.keySet());
			return root;
		}, getClass().getClassLoader()).create();
		assertThat(specs).extracting(BackendSpec::prefix, BackendSpec::redisNamespace)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("statetree", "app"),
					org.assertj.core.groups.Tuple.tuple("statetree.mounts.named", "own"),
					org.assertj.core.groups.Tuple.tuple("statetree.mounts.unnamed", "app:unnamed"));
		assertThat(mounted).containsExactly(StatePath.of("/named"), StatePath.of("/unnamed"));
	}

	private StateBackend recording(String name) {
		InMemoryBackend memory = new InMemoryBackend();
		return new StateBackend() {

			@Override
			public Object read(StatePath path) {
				return memory.read(path);
			}

			@Override
			public CommitResult commit(CommitRequest request) {
				return memory.commit(request);
			}

			@Override
			public long revision() {
				return memory.revision();
			}

			@Override
			public void close() {
				StateBackendsTest.this.closed.add(name);
			}

		};
	}

	private static BackendFactory factory(BackendType type, Function<BackendSpec, StateBackend> create) {
		return new BackendFactory() {

			@Override
			public BackendType type() {
				return type;
			}

			@Override
			public StateBackend create(BackendSpec spec) {
				return create.apply(spec);
			}

		};
	}

}
