package io.statetree.core.internal;

import java.util.List;

import io.statetree.core.DeriveData;
import io.statetree.core.StatePath;
import io.statetree.core.StateView;
import io.statetree.core.TypeRef;
import org.jspecify.annotations.Nullable;

/**
 * What a derivation's transform reads (DESIGN §6): a {@code deriveMany} transform its declared
 * sources ({@link Data}), a tracked one anything, each read recorded as a source ({@link View}).
 * Both read through the commit's {@link DerivationImpl.Reader}, so they see the state the commit
 * will leave. Made per run and confined to the committing thread.
 */
final class DerivationInputs {

	private DerivationInputs() {
	}

	/** What a {@code deriveMany} transform reads: its declared sources only. */
	static final class Data implements DeriveData {

		private final List<StatePath> sources;

		private final DerivationImpl.Reader reader;

		private final ValueConverter converter;

		Data(List<StatePath> sources, DerivationImpl.Reader reader, ValueConverter converter) {
			this.sources = sources;
			this.reader = reader;
			this.converter = converter;
		}

		private StatePath source(StatePath p) {
			if (!this.sources.contains(p)) {
				throw new IllegalArgumentException(p + " is not a source of this derivation (sources: " + this.sources + ")");
			}
			return p;
		}

		@Override
		public @Nullable Object get(StatePath path) {
			return this.reader.read(source(path));
		}

		@Override
		public <T> @Nullable T get(StatePath path, Class<T> type) {
			StatePath p = source(path);
			return this.converter.convert(p, this.reader.read(p), type);
		}

		@Override
		public <T> @Nullable T get(StatePath path, TypeRef<T> type) {
			StatePath p = source(path);
			return this.converter.convert(p, this.reader.read(p), type);
		}

		@Override
		public List<StatePath> sources() {
			return this.sources;
		}

	}

	/** What a tracked transform reads: anything, each read recorded as a source. */
	static final class View implements StateView {

		private final DerivationImpl.Reader reader;

		private final ValueConverter converter;

		View(DerivationImpl.Reader reader, ValueConverter converter) {
			this.reader = reader;
			this.converter = converter;
		}

		@Override
		public @Nullable Object get(StatePath path) {
			Tracker.record(path);
			return this.reader.read(path);
		}

		@Override
		public <T> @Nullable T get(StatePath path, Class<T> type) {
			return this.converter.convert(path, get(path), type);
		}

		@Override
		public <T> @Nullable T get(StatePath path, TypeRef<T> type) {
			return this.converter.convert(path, get(path), type);
		}

		@Override
		public boolean exists(StatePath path) {
			return path.isRoot() || get(path) != null;
		}

	}

}
