import AXCommands

AXLicenseCommand.main()
