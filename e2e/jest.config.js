module.exports = { ...require('../jest.base.js'), testTimeout: 300000 };
