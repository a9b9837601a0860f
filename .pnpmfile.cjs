// better-sqlite3 must compile against this machine's Node headers (no downloads here).
module.exports = {
  hooks: {
    updateConfig(config) {
      config.extraEnv = {
        ...config.extraEnv,
        npm_config_nodedir: process.env.npm_config_nodedir || "/usr",
      };
      return config;
    },
  },
};
