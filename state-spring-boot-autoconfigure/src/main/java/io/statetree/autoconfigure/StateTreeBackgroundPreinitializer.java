package io.statetree.autoconfigure;

import io.statetree.autoconfigure.tx.StateTreeTransactionProperties;
import io.statetree.core.StateController;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.spring.StateTreeAnnotationBeanPostProcessor;
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
 * socket or bean is made, nothing is logged. It also initialises the auto-configuration's own
 * classes that every start uses (the configurations, the post-processor, the properties classes
 * the binder introspects, the backend's assembly), whose static initialisers only make loggers
 * and constants. This moves work off the main thread, it does not remove it: the CPU time stays,
 * the wall time of a start on more than one core shrinks.
 * <p>
 * Boot runs every {@link BackgroundPreinitializer} registered in {@code META-INF/spring.factories}
 * once per JVM, on one background thread, only with more than one processor and unless the system
 * property {@code spring.backgroundpreinitializer.ignore} is {@code true}; a throw is ignored
 * there (this pre-initialisation only saves time, the main thread does the same work again when
 * it fails). Class initialisation is thread-safe in the JVM; no static initialiser of the classes
 * initialised here waits for a class that initialises one of them, so the two threads cannot
 * deadlock.
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
		// the search for @OnStateChange and @Derived methods every bean of the application goes
		// through, over a class that has none (nothing is remembered outside this instance)
		new StateTreeAnnotationBeanPostProcessor().postProcessAfterInitialization(this,
				"stateTreeBackgroundPreinitializer");
		// what the container, the properties binder and the backend's assembly load on the main
		// thread (verifying a class loads the types its code names, such as the post-processor's
		// method finder and annotations)
		initialize(StateTreeAutoConfiguration.class);
		initialize(BackendConfigurations.MemoryBackendConfiguration.class);
		initialize(StartupConfiguration.class);
		initialize(AsyncExecutorConfiguration.class);
		initialize(ListenerExecutorConfiguration.class);
		initialize(UnknownPropertiesCheck.class);
		initialize(StartupSummary.class);
		initialize(StateTreeGroupsProperties.class);
		initialize(StateTreeCheckProperties.class);
		initialize(StateTreeTransactionProperties.class);
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
