package io.statetree.core.internal;

import java.util.Set;

import io.statetree.core.Effect;
import io.statetree.core.StateListener;
import io.statetree.core.StatePath;

/**
 * A tracked effect: re-run when a path its last run read changes.
 */
final class EffectImpl implements Effect {

	final String id;

	final StateListener function;

	volatile Set<StatePath> dependencies = Set.of();

	volatile boolean closed;

	private final DefaultStateController owner;

	EffectImpl(DefaultStateController owner, String id, StateListener function) {
		this.owner = owner;
		this.id = id;
		this.function = function;
	}

	@Override
	public Set<StatePath> dependencies() {
		return this.dependencies;
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.owner.removeEffect(this);
		}
	}

}
