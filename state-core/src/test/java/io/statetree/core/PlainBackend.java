package io.statetree.core;

import java.util.List;
import java.util.Map;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * A test backend that forwards the SPI's required methods (and {@code childNames}) to an
 * {@link InMemoryBackend} and nothing else: no {@link io.statetree.core.backend.SnapshotStore},
 * no capability, so the controller must reach its behaviour through the plain SPI, with no short
 * cut for a concrete backend class. Thread-safe, as the tree behind it.
 */
final class PlainBackend implements StateBackend {

	private final InMemoryBackend target = new InMemoryBackend();

	private final String type;

	/** A backend whose {@link #describe()} gives the type {@code plain}. */
	PlainBackend() {
		this("plain");
	}

	/**
	 * @param type the type {@link #describe()} gives, which the controller's messages name
	 */
	PlainBackend(String type) {
		this.type = type;
	}

	@Override
	public @Nullable Object read(StatePath path) {
		return this.target.read(path);
	}

	@Override
	public List<String> childNames(StatePath path) {
		return this.target.childNames(path);
	}

	@Override
	public CommitResult commit(CommitRequest request) {
		return this.target.commit(request);
	}

	@Override
	public long revision() {
		return this.target.revision();
	}

	@Override
	public Map<String, Object> describe() {
		return Map.of("type", this.type);
	}

}
