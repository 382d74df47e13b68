package io.statetree.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import io.statetree.core.StateController;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Logs one INFO line once the context's singletons exist: the backend, the mounts, the instance
 * id and the listener dispatch mode, such as
 * {@code StateTree: backend redis; mounts sessions=/sessions (memory); instance 3f2a…; dispatch sync}.
 * Names and paths only, no other property values. When the application defines its own backend,
 * the line names its class instead of the configured backend.
 */
final class StartupSummary implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(StateTreeAutoConfiguration.class);

	private final StateTreeProperties properties;

	private final ObjectProvider<StateController> controller;

	private final ConfigurableListableBeanFactory beanFactory;

	StartupSummary(StateTreeProperties properties, ObjectProvider<StateController> controller,
			ConfigurableListableBeanFactory beanFactory) {
		this.properties = properties;
		this.controller = controller;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		StateController stateController = this.controller.getIfUnique();
		if (stateController != null && logger.isInfoEnabled()) {
			logger.info(line(stateController.instanceId()));
		}
	}

	/**
	 * The line for an instance id.
	 * @param instanceId the controller's instance id
	 * @return the line
	 */
	String line(String instanceId) {
		StringBuilder line = new StringBuilder("StateTree: backend ");
		String applicationBackend = applicationBackend();
		if (applicationBackend == null) {
			line.append(name(this.properties.getBackend()));
			if (this.properties.getCache().isEnabled() && this.properties.getBackend() != BackendType.MEMORY) {
				line.append(" with near cache");
			}
			StringJoiner mounts = new StringJoiner(", ");
			Map<String, StateTreeMountProperties> configured = MountNames.merged(this.properties.getMounts());
			for (Map.Entry<String, StateTreeMountProperties> mount : configured.entrySet()) {
				BackendType type = mount.getValue().getBackend();
				mounts.add(mount.getKey() + "=" + mount.getValue().getPath() + " ("
						+ ((type != null) ? name(type) : "no backend") + ")");
			}
			line.append("; mounts ").append((mounts.length() > 0) ? mounts.toString() : "none");
		}
		else {
			line.append(applicationBackend).append(" (defined by the application)");
		}
		line.append("; instance ").append(instanceId);
		line.append("; dispatch ").append(name(this.properties.getListeners().getDispatch()));
		return line.toString();
	}

	/**
	 * The type of the application's own backend bean.
	 * @return its type name, or {@code null} when the backend is the one the properties configure
	 */
	private @Nullable String applicationBackend() {
		String[] names = this.beanFactory.getBeanNamesForType(StateBackend.class, true, false);
		if (names.length != 1) {
			return (names.length == 0) ? null : names.length + " backends";
		}
		BeanDefinition definition = this.beanFactory.getMergedBeanDefinition(names[0]);
		String factoryBean = definition.getFactoryBeanName();
		if (factoryBean != null && "stateBackend".equals(definition.getFactoryMethodName())
				&& StateTreeAutoConfiguration.class.equals(this.beanFactory.getType(factoryBean, false))) {
			return null;
		}
		Class<?> type = this.beanFactory.getType(names[0], false);
		return (type != null) ? type.getName() : names[0];
	}

	private static String name(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
