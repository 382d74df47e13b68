package io.statetree.core.backend;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * A test backend forwarding to an {@link InMemoryBackend}, counting reads and commits, that can
 * pretend to be shared and keeps the listener it is given.
 */
class ForwardingBackend implements StateBackend {

	final InMemoryBackend target = new InMemoryBackend();

	final AtomicInteger reads = new AtomicInteger();

	final AtomicInteger commits = new AtomicInteger();

	final boolean shared;

	volatile @Nullable BackendListener listener;

	volatile boolean closed;

	ForwardingBackend(boolean shared) {
		this.shared = shared;
	}

	@Override
	public @Nullable Object read(StatePath path) {
		this.reads.incrementAndGet();
		return this.target.read(path);
	}

	@Override
	public CommitResult commit(CommitRequest request) {
		this.commits.incrementAndGet();
		return this.target.commit(request);
	}

	@Override
	public long revision() {
		return this.target.revision();
	}

	@Override
	public boolean isShared() {
		return this.shared;
	}

	@Override
	public void setBackendListener(@Nullable BackendListener listener) {
		this.listener = listener;
	}

	@Override
	public Map<String, Object> describe() {
		return Map.of("type", "forwarding");
	}

	@Override
	public void close() {
		this.closed = true;
	}

}
