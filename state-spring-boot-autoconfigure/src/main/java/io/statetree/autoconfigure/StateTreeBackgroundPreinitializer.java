package io.statetree.autoconfigure;

import io.statetree.core.StateController;
import io.statetree.core.backend.InMemoryBackend;
import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

/**
 * Loads, links and initialises the classes StateTree's start-up needs on Spring Boot's background
 * pre-initialisation thread, while the main thread still prepares the environment, so that the
 * main thread finds them ready when it creates the backend and the controller (the classes of the
 * controller's engine are most of what the starter adds to a start: about 170 classes, their
 * static initialisers and the lambdas they link).
 * <p>
 * It builds and closes a throwaway controller over an {@link InMemoryBackend} with the
 * properties' defaults, which touches what the application's controller will (its engine, its
 * lambdas, the instance id's source) and nothing outside this JVM: no thread stays, no file,
 * socket or bean is made, nothing is logged. It also initialises the properties classes the
 * binder introspects. This moves work off the main thread, it does not remove it: the CPU time
 * stays, the wall time of a start on more than one core shrinks.
 * <p>
 * Boot runs every {@link BackgroundPreinitializer} registered in {@code META-INF/spring.factories}
 * once per JVM, on one background thread, only with more than one processor and unless the system
 * property {@code spring.backgroundpreinitializer.ignore} is {@code true}; a throw is ignored
 * there (this pre-initialisation only saves time, the main thread does the same work again when
 * it fails). Class initialisation is thread-safe in the JVM; the classes initialised here have
 * no static initialiser that waits for another's, so the two threads cannot deadlock.
 */
final class StateTreeBackgroundPreinitializer implements BackgroundPreinitializer {

	@Override
	public void preinitialize() {
		StateTreeProperties defaults = new StateTreeProperties();
		StateTreeListenersProperties listeners = defaults.getListeners();
		StateController controller = StateController.builder()
			.backend(new InMemoryBackend())
			.dispatch(listeners.getDispatch())
			.onError(listeners.getOnError())
			.queueCapacity(listeners.getQueueCapacity())
			.offerTimeout(listeners.getOfferTimeout())
			.historySize(defaults.getHistory().getSize())
			.build();
		controller.close();
		// what the properties binder and the backend's assembly load on the main thread
		initialize(StateTreeGroupsProperties.class);
		initialize(StateTreeCheckProperties.class);
		initialize(StateTreeMountProperties.class);
		initialize(StateBackends.class);
		initialize(CoreBackends.class);
		initialize(BackendSpec.class);
	}

	private static void initialize(Class<?> type) {
		try {
			Class.forName(type.getName(), true, type.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			// cannot happen for a class named by its literal; pre-initialisation is only an optimisation
		}
		// the reflection data the binder and the container read (cached in the Class object)
		type.getDeclaredMethods();
		type.getDeclaredConstructors();
	}

}
