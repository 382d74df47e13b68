package io.statetree.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.statetree.core.ControllerObserver;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;

/**
 * Passes every observation to several observers, in order. Each observer is called even when an
 * earlier one throws; the first failure is then rethrown with the others suppressed.
 */
final class CompositeControllerObserver implements ControllerObserver {

	private final List<ControllerObserver> observers;

	CompositeControllerObserver(List<ControllerObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	/**
	 * Combines observers.
	 * @param observers the observers, in order
	 * @return the only observer, a composite of several, or {@code null} for none
	 */
	static @Nullable ControllerObserver of(List<ControllerObserver> observers) {
		return switch (observers.size()) {
			case 0 -> null;
			case 1 -> observers.get(0);
			default -> new CompositeControllerObserver(observers);
		};
	}

	@Override
	public void onCommit(long revision, String origin, List<Change> changes) {
		each((observer) -> observer.onCommit(revision, origin, changes));
	}

	@Override
	public void onRead(StatePath path) {
		each((observer) -> observer.onRead(path));
	}

	@Override
	public void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
		each((observer) -> observer.onListener(listenerId, path, duration, error));
	}

	@Override
	public void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
		each((observer) -> observer.onDerivation(destination, duration, error));
	}

	private void each(Consumer<ControllerObserver> call) {
		RuntimeException failure = null;
		for (ControllerObserver observer : this.observers) {
			try {
				call.accept(observer);
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
